"""The training page's fixed explanatory text, one constant per section."""

INTRO = (
    "Every chart on this page comes from a small network actually trained here, in numpy, on a 2-D "
    "dataset: a few hidden layers, a sigmoid output and the cross-entropy loss, with exact gradients. "
    "Each section trains its own networks from the same seed, so runs that differ in one setting "
    "start from the same weights and see the same minibatches."
)
MINIBATCH = (
    "A training step uses the gradient of a minibatch of b examples instead of all of them. Each "
    "example's gradient is a random draw around the full gradient, so by the law of large numbers "
    "the error of their average shrinks like 1/√b: four times the batch, half the error. The chart "
    "measures it on a ReLU network against the gradient over the whole training set."
)
GRADIENTS = (
    "Each cell is the gradient norm ‖∂loss/∂W‖ of one hidden layer (layer 1 nearest the input) over "
    "the whole training set, as training goes on. The colour scale is logarithmic and shared, so a "
    "layer several colours darker than the last one is learning orders of magnitude more slowly."
)
DYING = (
    "A ReLU unit whose input is negative for every example outputs 0 and passes back a gradient of "
    "exactly 0, so its own weights and bias stop changing: it is dead. In the first layer, whose "
    "inputs are the fixed data, that is for good; a dead unit deeper in comes back if the layers "
    "before it move its inputs. A large step can push a unit's bias below zero in one go. Three runs "
    "from the same weights and minibatches: ReLU at a normal and at a too-high learning rate, and "
    "Leaky ReLU at the high one."
)
# ``{all}`` and ``{none}`` are the words for the planes' two extreme colours (charts.training.PLANE_SHADES).
PLANES = (
    "Each panel shades the plane by the share of all hidden units that pass a gradient there "
    "after training (f′ > 0; {all}: all of them, {none}: none), and draws each "
    "first-layer unit whose line crosses the panel as that line, w·x + b = 0: the unit is active "
    "on one side only. A dead first-layer unit has every training point on its inactive side. "
    "Leaky ReLU's slope is never 0, so its panel is {all} throughout."
)
BATCHNORM = (
    "Batch normalization (Ioffe & Szegedy 2015) rescales each unit's input to mean 0 and variance 1 "
    "over the minibatch, then applies a learned scale γ and shift β. In training mode it uses the "
    "batch's own statistics; at inference it uses running averages collected during training "
    "(momentum 0.1 and the unbiased variance, as PyTorch's BatchNorm1d), so one example's prediction "
    "does not depend on the others in its batch."
)
CLIPPING = (
    "When gradients explode, one step can throw the weights so far that the loss overflows. "
    "Clipping caps the step (Pascanu, Mikolov & Bengio 2013): by value clamps every entry of the "
    "gradient to ±t, which can change its direction; by norm rescales the whole gradient to length "
    "at most t, which keeps its direction. Nothing comparable rescues a vanishing gradient: "
    "scaling up a gradient that is almost 0 in the first layers would magnify whatever noise it "
    "carries, which is why the fixes for vanishing are activations, initialization and "
    "normalization instead. Here a ReLU net starts with its weights multiplied by a gain, so the "
    "signal and the gradient grow layer by layer."
)
EARLY_STOPPING = (
    "A wide network trained on few noisy points keeps lowering its training loss long after it "
    "stops improving on points it has not seen. Early "
    "stopping watches the validation loss and stops once it has not improved for `patience` steps, "
    "keeping the best weights; the test points, never used for any decision, say whether that helped."
)
