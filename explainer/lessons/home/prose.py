"""The home page's fixed explanatory text."""

INTRO = (
    "Training moves each weight against its gradient. In a deep network that gradient is a product "
    "with one factor per layer, so it can shrink to nothing or blow up before it reaches the first "
    "layers. Six steps, each computed live below, show why — and what fixes it."
)
