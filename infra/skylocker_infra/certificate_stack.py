"""us-east-1: the certificate of the downloads domain (CloudFront only takes it from there)."""

from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from constructs import Construct

from .settings import Settings


class CertificateStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self,
            "Zone",
            hosted_zone_id=settings.hosted_zone_id,
            zone_name=settings.hosted_zone_name,
        )
        self.certificate = acm.Certificate(
            self,
            "DownloadsCertificate",
            domain_name=settings.downloads_domain,
            validation=acm.CertificateValidation.from_dns(zone),
        )
