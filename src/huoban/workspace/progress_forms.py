"""Forms of the progress pages and the dashboard.

They collect the input only. Which regions and sites may be chosen is the views' (through
the scoped querysets they pass in); the rules about targets (half-year ≤ year, a manual
split adding up to the parent) are ``targets.services``', whose messages the views put back
onto these forms.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huoban.regions.models import Region, RegionLevel
from huoban.sites.models import Site
from huoban.targets.models import MAX_VALUE
from huoban.workspace.forms import WorkspaceForm

SPLIT_EVEN = "even"
SPLIT_MANUAL = "manual"


class ScopeRegionField(forms.ModelChoiceField):
    """Regions named with their district, so that a long list of streets stays readable."""

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == RegionLevel.STREET and obj.parent is not None:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


class ScopeSiteField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return obj.name


def year_choices(years: Iterable[int]) -> list[tuple[int, str]]:
    return [(y, _("%(year)s 年") % {"year": y}) for y in years]


class ProgressChooserForm(WorkspaceForm):
    """Which region and year the progress page shows (a GET form; no JavaScript needed)."""

    region = ScopeRegionField(
        label=_("区划"), queryset=Region.objects.none(), to_field_name="code", empty_label=None
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())

    def __init__(self, *args, regions: QuerySet[Region], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["year"].choices = year_choices(years)


class DashboardChooserForm(WorkspaceForm):
    """Which scope (a region or one site) and which period the dashboard's breakdowns show."""

    PERIODS = [
        ("today", _("今天")),
        ("week", _("本周")),
        ("month", _("本月")),
        ("year", _("今年以来")),
    ]

    region = ScopeRegionField(
        label=_("区划"), queryset=Region.objects.none(), to_field_name="code", empty_label=None
    )
    site = ScopeSiteField(
        label=_("站点"), queryset=Site.objects.none(), required=False, empty_label=_("全部站点")
    )
    period = forms.ChoiceField(label=_("分类统计的期间"), choices=PERIODS, required=False)

    def __init__(
        self,
        *args,
        regions: QuerySet[Region] | None,
        sites: QuerySet[Site] | None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions
        if sites is None:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = sites


def _count_field(label, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_VALUE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("请填写%(label)s。") % {"label": label},
            "invalid": _("%(label)s应是整数（人次）。") % {"label": label},
            "min_value": _("%(label)s不能是负数。") % {"label": label},
            "max_value": _("%(label)s不能超过 %(max)s。") % {"label": label, "max": MAX_VALUE},
        },
    )


class TotalForm(WorkspaceForm):
    """A region's own half-year and year targets, set together."""

    half = _count_field(_("半年指标（人次）"))
    annual = _count_field(_("年度指标（人次）"))


class SplitForm(WorkspaceForm):
    """One period's target split among the child regions: evenly, or a number for each."""

    mode = forms.ChoiceField(
        label=_("分解方式"),
        choices=[
            (SPLIT_EVEN, _("平均分配")),
            (SPLIT_MANUAL, _("按下面填写的数字")),
        ],
        widget=forms.RadioSelect,
        initial=SPLIT_EVEN,
        error_messages={"required": _("请选择分解方式。")},
    )

    def __init__(self, *args, children: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            self.fields[self.child_field(child)] = _count_field(child.name, required=False)

    @staticmethod
    def child_field(region: Region) -> str:
        return f"r{region.code}"

    def child_fields(self) -> list[forms.BoundField]:
        return [self[self.child_field(c)] for c in self.children]

    def values(self) -> dict[Region, int]:
        """The numbers typed for the children (blank ones left out: the service names them)."""
        found = {}
        for child in self.children:
            value = self.cleaned_data.get(self.child_field(child))
            if value is not None:
                found[child] = value
        return found


class IndicatorImportForm(WorkspaceForm):
    file = forms.FileField(
        label=_("指标分解表"),
        help_text=_(
            "导出的 Excel（.xlsx）表格填好后上传，也可以是“街镇,半年指标,年度指标”三列的 CSV。"
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("这个文件是空的。")},
    )
