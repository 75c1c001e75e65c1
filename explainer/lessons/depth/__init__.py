"""The depth page's content: chart rows and sentences, its settings' arithmetic, the phase diagram, the published presets, its fixed text."""
