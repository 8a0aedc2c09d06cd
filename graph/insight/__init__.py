"""Insight: correlations between indicators, discovered pairs, the choropleth map."""
