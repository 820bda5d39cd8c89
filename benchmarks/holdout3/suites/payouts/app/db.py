import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine(os.environ.get("PAYOUTS_DATABASE_URL", "postgresql+psycopg://payouts@localhost/payouts"))
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
