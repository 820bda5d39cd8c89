import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Scene:
    name: str
    width: int
    height: int
    frames: int = 1
    objects: tuple = ()

    @classmethod
    def load(cls, path):
        data = json.loads(Path(path).read_text())
        return cls(
            name=data["name"],
            width=data.get("width", 320),
            height=data.get("height", 240),
            frames=data.get("frames", 1),
            objects=tuple(data.get("objects", ())),
        )
