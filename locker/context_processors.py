from django.conf import settings


def limits(request):
    return {"max_upload_bytes": settings.MAX_UPLOAD_BYTES}
