# A few bytes that ffmpeg accepts as a (very short) QuickTime clip in the test image;
# the real sample lives in the MinIO seed bucket.
SAMPLE_MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  \x00\x00\x00\x08free"
