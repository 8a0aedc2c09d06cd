"""Placeholder while the page is built (issue 6)."""

from fastapi import APIRouter

router = APIRouter()
