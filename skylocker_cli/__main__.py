from skylocker_cli.main import cli

cli(prog_name="skylocker")
