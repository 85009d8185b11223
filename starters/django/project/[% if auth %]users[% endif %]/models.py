"""The accounts. A user model of the project's own from the first migration on, as
Django's documentation advises for every new project: fields can be added to it later
(with `python manage.py makemigrations`), whereas changing AUTH_USER_MODEL once there
are tables is hard:
https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
"""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Django's own fields for now: username, password, email, names, staff flags."""
