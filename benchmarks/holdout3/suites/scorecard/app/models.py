from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    city: Mapped[str | None] = mapped_column(String(80))
    elo: Mapped[int] = mapped_column(default=1500)


class Season(Base):
    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    ends_on: Mapped[date | None]
    archived: Mapped[bool] = mapped_column(default=False)


class Match(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    away_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    home_goals: Mapped[int | None]
    away_goals: Mapped[int | None]
    home: Mapped[Team] = relationship(foreign_keys=[home_id])
    away: Mapped[Team] = relationship(foreign_keys=[away_id])


class Scorecard(Base):
    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    played: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
