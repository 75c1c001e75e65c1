"""The initialization page's content: its sentences and tables, the variance-travel heatmaps' numbers, its fixed text."""
