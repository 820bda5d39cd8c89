import os

from flask import Flask

from .extensions import db


def create_app(config_name=None):
    app = Flask(__name__)
    config_name = config_name or os.environ.get("INVOICER_CONFIG", "production")
    app.config.from_object(f"app.config.{config_name.capitalize()}Config")
    db.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
