/* mlp_model.c: the trained weights, mlp_model, from the mlp_weights.h that train.c writes into the build folder. */
#include "mlp.h"

#include "mlp_weights.h"
