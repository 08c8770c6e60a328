#!/usr/bin/env python
from skylocker.manage import main

if __name__ == "__main__":
    main()
