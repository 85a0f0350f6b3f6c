"""Batch normalization normalizes each feature over the batch; layer normalization each example."""
import numpy as np

from autodiff import nn
from autodiff.autograd import Tensor

np.set_printoptions(precision=3, suppress=True)
a = Tensor([[1.0, 2.0, 3.0, 4.0],
            [2.0, 4.0, 6.0, 8.0],
            [0.0, 1.0, 0.0, 1.0]])       # B = 3 examples (rows) × M = 4 features (columns)
bn, ln = nn.BatchNorm1d(4), nn.LayerNorm(4)
out_bn, out_ln = bn(a).data, ln(a).data
print("BatchNorm1d(4):\n", out_bn)
print("  column means", out_bn.mean(axis=0), " column variances", out_bn.var(axis=0))
print("LayerNorm(4):\n", out_ln)
print("  row means   ", out_ln.mean(axis=1), " row variances   ", out_ln.var(axis=1))
print("γ, β of both are per feature:", bn.weight.shape, ln.weight.shape)
print("BatchNorm1d's running mean after one batch (momentum 0.1):", np.asarray(bn.running_mean))
bn.eval()
print("in eval mode it uses the running statistics, so one example is fine:\n", bn(a[:1]).data)
