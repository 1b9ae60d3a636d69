"""``huoban grant_role``: the first role of a deployment (its scope found by region code, site
or organisation, hence here above ``accounts``)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from huoban.accounts.models import Role, User
from huoban.accounts.services import membership_grant
from huoban.lib.ids import normalize_mobile
from huoban.regions.models import Region
from huoban.sites.models import Organisation, Site


class Command(BaseCommand):
    help = "给一个已有账号授予角色（例如第一位市项目办人员）。Grant a role to an existing account."

    def add_arguments(self, parser):
        parser.add_argument("mobile")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--region", help="区划代码 region code")
        parser.add_argument("--site", help="站点编号 site public id")
        parser.add_argument("--organisation", help="统一社会信用代码 credit code")

    def handle(self, *args, mobile, role, region, site, organisation, **options):
        try:
            user = User.objects.get(mobile=normalize_mobile(mobile))
        except (User.DoesNotExist, ValidationError):
            raise CommandError(
                f"没有手机号为 {mobile} 的账号，请先用 createsuperuser 创建。"
            ) from None
        scope = {}
        try:
            if region:
                scope["region"] = Region.objects.get(code=region)
            if site:
                scope["site"] = Site.objects.get(public_id=site)
            if organisation:
                scope["organisation"] = Organisation.objects.get(uscc=organisation)
        except (Region.DoesNotExist, Site.DoesNotExist, Organisation.DoesNotExist, ValidationError):
            raise CommandError("找不到给出的区划、站点或单位。") from None
        try:
            membership = membership_grant(actor=None, user=user, role=role, **scope)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已授予：{user.name} · {membership}"))
