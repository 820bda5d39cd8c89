from datetime import date
from decimal import Decimal

from .extensions import db


class Customer(db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(254), nullable=False)
    archived = db.Column(db.Boolean, default=False, nullable=False)
    invoices = db.relationship("Invoice", back_populates="customer")


class Invoice(db.Model):
    __tablename__ = "invoices"

    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(32), unique=True, nullable=False)
    customer_id = db.Column(db.ForeignKey("customers.id", ondelete="RESTRICT"), nullable=False)
    status = db.Column(db.String(16), default="draft", nullable=False)
    issued_on = db.Column(db.Date)
    due_on = db.Column(db.Date)
    total = db.Column(db.Numeric(12, 2), default=Decimal("0.00"))
    pdf_key = db.Column(db.String(255))
    customer = db.relationship("Customer", back_populates="invoices")

    @property
    def overdue(self):
        return self.status == "issued" and self.due_on is not None and self.due_on < date.today()
