"""python -m services.campaigns"""
from services.campaigns.app import create_app
from services.campaigns.settings import CampaignsSettings
from shared.service_app import serve

if __name__ == "__main__":
    settings = CampaignsSettings()
    serve(settings, create_app(settings))
