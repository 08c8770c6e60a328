#!/usr/bin/env python3
"""Skylocker on AWS. `python app.py` (or `cdk synth`) writes the templates to cdk.out/."""

import os

from skylocker_infra.app import build_app

# make synth/test set SKYLOCKER_CHECK_ONLY=1: the committed placeholder domains and image are
# synthesized for the offline checks; `cdk deploy` refuses them.
context = {"skylocker:checkOnly": True} if os.environ.get("SKYLOCKER_CHECK_ONLY") == "1" else {}
build_app(outdir=os.environ.get("CDK_OUTDIR"), context=context).synth()
