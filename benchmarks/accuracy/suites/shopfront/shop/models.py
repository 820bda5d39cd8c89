from decimal import Decimal

from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)


class Order(models.Model):
    email = models.EmailField()
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    status = models.CharField(max_length=16, default="open")
    refunded = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))


class Cart(models.Model):
    email = models.EmailField()
    updated_at = models.DateTimeField(auto_now=True)
