#!/usr/bin/env python3
"""Skylocker on AWS. `python app.py` (or `cdk synth`) writes the templates to cdk.out/."""

import os

from skylocker_infra.app import build_app

build_app(outdir=os.environ.get("CDK_OUTDIR")).synth()
