import requests
from django.conf import settings


class ErpClient:
    def __init__(self, base_url=None):
        self.base_url = base_url or settings.ERP_URL

    def push_order(self, payload, attachment=None):
        files = {"invoice": ("invoice.pdf", attachment, "application/pdf")} if attachment else None
        response = requests.post(f"{self.base_url}/orders", data={"payload": payload}, files=files, timeout=10)
        response.raise_for_status()
        return response.json()
