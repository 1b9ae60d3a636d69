"""Distances on the earth and the WGS-84 ↔ GCJ-02 conversion for map display."""

from __future__ import annotations

import math

import prcoords

EARTH_RADIUS_M = 6_371_008.8
# Streets do not run straight: an urban walk is about 1.3 times the straight line
# (the circuity factor measured for Chinese cities is 1.2–1.4).
WALKING_CIRCUITY = 1.3
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def walking_m(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Estimated walking distance in whole metres."""
    return round(distance_m(lat1, lng1, lat2, lng2) * WALKING_CIRCUITY)


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box holding the circle of ``radius_m``."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlng = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """For maps drawn in GCJ-02 (AMap); we store WGS-84."""
    out = prcoords.wgs_gcj((lat, lng))
    return out[0], out[1]


def valid_coordinates(lat: float, lng: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lng <= 180
