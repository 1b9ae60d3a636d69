"""Huoban (数字伙伴): a city's digital-help programme for older adults."""
