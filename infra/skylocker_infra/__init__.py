"""Skylocker's AWS architecture as CDK code: see docs/deploy-aws.md."""
