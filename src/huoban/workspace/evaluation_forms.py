"""Forms of the staff's evaluation pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from huoban.evaluations.models import Score
from huoban.evaluations.services import clean_comment

BY_CHOICES = [
    ("site", gettext_lazy("按站点")),
    ("course", gettext_lazy("按课程")),
    ("teacher", gettext_lazy("按授课人")),
]


class OnBehalfForm(forms.Form):
    """What the elder said, typed in by staff."""

    score = forms.TypedChoiceField(
        label=gettext_lazy("长者的评价"),
        choices=[(s, Score(s).label) for s in (5, 4, 3, 2, 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择长者的评价。"),
            "invalid_choice": gettext_lazy("请选择长者的评价。"),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("长者的留言"),
        required=False,
        help_text=gettext_lazy("照长者的原话记录，最多 200 个字。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_comment(self) -> str:
        # The service's rule, checked here too so that every error shows at once.
        try:
            return clean_comment(self.cleaned_data.get("comment"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["comment"]) from None


class OverviewForm(forms.Form):
    by = forms.ChoiceField(
        label=gettext_lazy("汇总方式"), choices=BY_CHOICES, required=False, initial="site"
    )
