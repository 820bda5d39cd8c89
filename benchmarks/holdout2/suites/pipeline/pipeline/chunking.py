import hashlib


def split_chunks(text, size=800):
    words = text.split()
    chunk, length = [], 0
    for word in words:
        chunk.append(word)
        length += len(word) + 1
        if length >= size:
            yield " ".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield " ".join(chunk)


def fake_embedding(text, dims=8):
    digest = hashlib.sha256(text.encode()).digest()
    return [b / 255 for b in digest[:dims]]
