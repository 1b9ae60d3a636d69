"""Forms for help records and elders. They collect and type the input; the rules live in
``records.services`` and ``people.services``."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huoban.lib.forms import DescribedErrorsMixin
from huoban.people.models import Elder
from huoban.records.models import DEFAULT_DURATION_MINUTES, Channel, FlagRule, Outcome
from huoban.regions.models import Region
from huoban.sites.models import Service, Site
from huoban.workspace.forms import EMPTY_CHOICE, WorkspaceForm

ANONYMOUS = "anonymous"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ElderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Elder) -> str:
        return obj.desk_label


class ScenarioField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return obj.display_name


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return obj.name


class HelpSessionForm(DescribedErrorsMixin, WorkspaceForm):
    """Everything but the scenarios has a default, so a walk-in is one tap and "save"."""

    site = SiteChoiceField(
        label=_("站点"),
        queryset=Site.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择站点。")},
    )
    elder = forms.ChoiceField(label=_("长者"), widget=forms.RadioSelect)
    scenarios = ScenarioField(
        label=_("帮办场景"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("可多选。"),
    )
    scenario_other = forms.CharField(label=_("其他场景"), max_length=50, required=False)
    channel = forms.ChoiceField(
        label=_("方式"), choices=Channel.choices, initial=Channel.WALK_IN, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("结果"), choices=Outcome.choices, initial=Outcome.SOLVED, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("时长（分钟）"),
        initial=DEFAULT_DURATION_MINUTES,
        error_messages={"invalid": _("时长请填整数分钟。"), "required": _("请填写时长。")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 480}),
    )
    occurred_at = forms.DateTimeField(
        label=_("时间"),
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        help_text=_("留空即现在。补记时改成当时的日期和时间。"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": _("时间看不懂，请按“年-月-日 时:分”填写。")},
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        sites: QuerySet[Site],
        scenarios: QuerySet[Service],
        elders: list[Elder],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["scenarios"].queryset = scenarios
        self.elder_objects = {str(e.public_id): e for e in elders}
        self.fields["elder"].choices = [
            (ANONYMOUS, _("匿名（不登记姓名）")),
            *((key, e.desk_label) for key, e in self.elder_objects.items()),
        ]
        self.fields["elder"].initial = ANONYMOUS
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
            self.fields["site"].widget = forms.HiddenInput()

    def session_fields(self) -> dict:
        data = dict(self.cleaned_data)
        key = data.pop("elder")
        data["elder"] = self.elder_objects.get(key)
        data["scenarios"] = list(data["scenarios"])
        if data.get("occurred_at") is None:
            data.pop("occurred_at", None)
        return data


class AmendForm(HelpSessionForm):
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        error_messages={"required": _("请写明更正原因。")},
        help_text=_("会和更正前后的内容一起保存。"),
    )

    def session_fields(self) -> dict:
        data = super().session_fields()
        data.pop("reason")
        return data


class ReasonForm(DescribedErrorsMixin, WorkspaceForm):
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        error_messages={"required": _("请写明原因。")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagReviewForm(DescribedErrorsMixin, WorkspaceForm):
    decision = forms.ChoiceField(
        label=_("复核结果"),
        choices=[("confirm", _("确认无误")), ("void", _("作废记录"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“确认无误”或“作废记录”。")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("作废时必填，写明原因。"),
    )


class RecordFilterForm(WorkspaceForm):
    STATUS = [
        EMPTY_CHOICE,
        ("active", _("有效")),
        ("voided", _("已作废")),
        ("flagged", _("待复核")),
    ]
    site = SiteChoiceField(
        label=_("站点"), queryset=Site.objects.none(), required=False, empty_label=_("全部")
    )
    start = forms.DateField(
        label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS, required=False)
    rule = forms.ChoiceField(
        label=_("提示类型"), choices=[EMPTY_CHOICE, *FlagRule.choices], required=False
    )

    def __init__(self, *args, sites: QuerySet[Site], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class ImportForm(DescribedErrorsMixin, WorkspaceForm):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("Excel（.xlsx）或 CSV，按模板的列填写，最大 5 MB。"),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("这个文件是空的。")},
    )


class ElderDetailsForm(DescribedErrorsMixin, WorkspaceForm):
    """An elder's profile; registering adds the consent (:class:`ElderForm`)."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名。")}
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("用于下次查找和通知；加密保存，屏幕上只显示后四位。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        required=False,
        help_text=_("一般不需要；只在办事必须时填写。加密保存。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=_("出生年份"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("出生年份请填四位数字，例如 1948。")},
    )
    street = forms.ModelChoiceField(
        label=_("居住街镇"), queryset=Region.objects.none(), required=False, empty_label=_("不填")
    )

    def __init__(self, *args, streets: QuerySet[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["birth_year"].widget.attrs["max"] = timezone.localdate().year


class ElderForm(ElderDetailsForm):
    consent = forms.BooleanField(
        label=_("长者本人同意保存服务记录"),
        required=False,
        help_text=_("不同意时不要登记，请按匿名记录。"),
    )
