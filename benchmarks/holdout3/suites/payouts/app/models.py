from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    iban: Mapped[str] = mapped_column(String(34))
    payouts: Mapped[list["Payout"]] = relationship(back_populates="merchant", cascade="all, delete-orphan")


class Payout(Base):
    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    settled_at: Mapped[datetime | None]
    merchant: Mapped[Merchant] = relationship(back_populates="payouts")


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
