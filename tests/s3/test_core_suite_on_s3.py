"""The core's own storage-facing tests, collected again here so they run with S3 storage.

Collected in this folder, they get tests/s3/conftest.py's fixtures: the default storage is
S3 on moto and `stored_objects` lists the bucket.
"""

from tests.test_delete import *  # noqa: F403
from tests.test_replace import *  # noqa: F403
from tests.test_upload import *  # noqa: F403
