from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500))
    srid: Mapped[int] = mapped_column(Integer, default=4326)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    feature_count: Mapped[int | None]


class UploadPreview(Base):
    __tablename__ = "upload_previews"

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    srid: Mapped[int]
    geojson: Mapped[str] = mapped_column(Text)


class UploadIndex(Base):
    __tablename__ = "upload_index"

    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), primary_key=True)
    bbox: Mapped[str] = mapped_column(String(200))
