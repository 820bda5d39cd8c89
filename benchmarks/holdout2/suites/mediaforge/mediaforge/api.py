from .actors import transcode


def handle_upload(asset_key, workdir):
    """Called by the upload webhook once the object is in the bucket."""
    if not asset_key.startswith("uploads/"):
        raise ValueError(f"unexpected key {asset_key!r}")
    transcode.send(asset_key, workdir)
    return {"accepted": asset_key}
