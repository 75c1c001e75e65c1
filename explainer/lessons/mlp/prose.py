"""The MLP comparison page's fixed explanatory text, one constant per section ({…} fields are
filled from the comparison's settings)."""

INTRO = (
    "Below, scikit-learn's `MLPClassifier` is trained once per activation on the same points, "
    "from the same seed, with the same minibatches, for exactly the number of epochs you choose — "
    "no early stopping hides a net that stalls. Only the activation differs, so every difference "
    "on this page is the activation's doing."
)
BOUNDARIES = (
    "Each panel colours the plane by the trained net's probability of class 1, with the "
    "{n_train} training points (circles) and {n_test} test points "
    "(triangles) on top. The boundary is where the colour turns from blue to orange. The strip "
    "along each panel's top is the activation's colour, the same in every chart of the app."
)
CHANCE = "The dashed line is chance: {chance:.2f}, the test accuracy of always answering the larger class."
HEATMAP = (
    "Each cell is how far one layer's weights moved in one epoch, relative to their size: "
    "‖ΔW‖/‖W‖ (layer 1 is the first hidden layer, layer {output_layer} "
    "the output layer). An epoch is {steps} minibatch steps here. "
    "Karpathy's rule of thumb for a healthy layer is about 1e-3 per step. The colour scale is "
    "logarithmic and shared by all nets."
)
ONE_LAYER = "With one hidden layer there is little depth to compare: add layers to see it."
DEAD_UNITS = "A unit is dead when it outputs 0 for every training point, so no gradient reaches its weights."
GRADIENTS = (
    "scikit-learn {version} has no public way to read per-layer gradients. "
    "These come from its private `_backprop` method, over the whole training set every few "
    "epochs; a future version may change it, and then this section says so instead of drawing. "
    "The heatmap of weight updates above uses only public attributes."
)
TRAINING = (
    "The panels and curves show the nets as they train. The summary, the heatmaps and what they "
    "show follow when training ends; change a setting at any time to start again."
)
