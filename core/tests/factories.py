import factory
from django.contrib.auth import get_user_model

from core.roles import assign_role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo-wachtwoord-2026")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            assign_role(self, extracted)
