"""Absolute addresses: the public base address in front of a path, and nothing else."""

from __future__ import annotations

import pytest

from huoban.lib.urls import absolute


def test_it_puts_the_public_address_in_front_of_a_path(settings):
    settings.HUOBAN_BASE_URL = "https://huoban.example.org"
    assert absolute("/sites/x/") == "https://huoban.example.org/sites/x/"


def test_it_refuses_a_path_not_from_the_root(settings):
    settings.HUOBAN_BASE_URL = "https://huoban.example.org"
    with pytest.raises(ValueError, match="from the site's root"):
        absolute("sites/x/")
