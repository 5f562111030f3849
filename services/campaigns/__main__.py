"""python -m services.campaigns"""
from services.campaigns.app import create_app
from services.campaigns.settings import CampaignsSettings
from shared.production import load_settings
from shared.service_app import serve

if __name__ == "__main__":
    settings = load_settings(CampaignsSettings)  # exits first on bad settings or unfit production secrets
    serve(settings, create_app(settings))
