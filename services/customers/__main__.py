"""python -m services.customers"""
from services.customers.app import create_app
from services.customers.settings import CustomersSettings
from shared.service_app import serve

if __name__ == "__main__":
    settings = CustomersSettings()
    serve(settings, create_app(settings))
