import os
import sys


def main() -> None:
    """`manage.py` for the installed package, as the `skylocker-manage` command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skylocker.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
