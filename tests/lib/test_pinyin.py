"""Pinyin forms of names for the desk's search."""

import pytest

from huoban.lib.pinyin import search_text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("张小明", "张小明 zhangxiaoming zxm"),
        (" 李  秀英 ", "李 秀英 lixiuying lxy"),
        ("吕布", "吕布 lvbu lb"),
        ("欧阳娜娜", "欧阳娜娜 ouyangnana oynn"),
        ("Anna 李", "anna 李 annali al"),
        ("", ""),
    ],
)
def test_it_gives_the_name_its_full_pinyin_and_initials(name, text):
    assert search_text(name) == text


def test_it_keeps_every_reading_of_the_surname():
    # 曾 reads "ceng" in words but "zeng" as a surname; 单 is "shan" as a surname.
    assert search_text("曾小明") == "曾小明 cengxiaoming zengxiaoming cxm zxm"
    assert " shantianfang" in search_text("单田芳")
    assert " stf" in search_text("单田芳")


def test_it_drops_punctuation_from_the_pinyin():
    assert search_text("阿依古丽·买买提").split()[1] == "ayigulimaimaiti"
