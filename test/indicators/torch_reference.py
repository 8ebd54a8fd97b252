#!/usr/bin/python3
"""Independent PyTorch port of zero-cost-nas's grasp and fisher (foresight/pruners/measures/grasp.py,
fisher.py, p_utils.py, predictive.py; Abdelfattah et al. 2021), run on a network described by an mstf IR
with the weights and the batch mstf used. The network is rebuilt from the IR with torch modules (NCHW),
in train mode (batch statistics), and scored exactly as the reference scores it:

  grasp : g = autograd.grad(loss, W); g2 = autograd.grad(loss, W, create_graph=True);
          (sum g.data * g2).backward() -> W.grad = H g;  score = sum over conv/linear weights of -W * H g
  fisher: a = output of every Conv2d/Linear (an identity right after it); per channel
          0.5 * mean_n (sum_space a * dL/da)^2, abs, broadcast over the layer's weight.shape[1:] and summed

stdin : {"ir", "params": {name: {"shape", "values"}}, "x", "xShape": [N,H,W,C], "labels", "dtype"}
stdout: {"loss", "grasp", "fisher", "fisherPerLayer": {node: value}, "grad": {name: [...]}, "hv": {name: [...]}}
        (weights, gradients and H g in mstf's tfjs layouts, flattened).
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pads(n, effective, stride):
    """TensorFlow 'same' padding [before, after] along one axis."""
    out = -(-n // stride)
    total = max((out - 1) * stride + effective - n, 0)
    return total // 2, total - total // 2


def pads_of(padding, h, w, kh, kw, stride, dilation=1):
    """(left, right, top, bottom) for F.pad."""
    if padding == 'valid':
        return (0, 0, 0, 0)
    if padding == 'same':
        t, b = same_pads(h, (kh - 1) * dilation + 1, stride)
        l, r = same_pads(w, (kw - 1) * dilation + 1, stride)
        return (l, r, t, b)
    p = int(padding)
    return (p, p, p, p)


class IRNet(nn.Module):
    def __init__(self, ir, params, dtype):
        super().__init__()
        self.ir = ir
        self.mods = nn.ModuleDict()
        self.fan = {}
        t = lambda name: torch.tensor(params[name]['values'], dtype=dtype).reshape(params[name]['shape'])
        for node in ir['nodes']:
            op, nid = node['op'], node['id']
            key = nid.replace('.', '_')
            if op == 'conv':
                w = t(f'{nid}/weight')  # tfjs [kh, kw, ci, co]
                kh, kw, ci, co = w.shape
                m = nn.Conv2d(ci, co, (kh, kw), node['stride'], 0, node.get('dilation', 1), bias=node.get('bias', False))
                m.weight = nn.Parameter(w.permute(3, 2, 0, 1).contiguous())
            elif op == 'depthwise':
                w = t(f'{nid}/weight')  # tfjs [kh, kw, c, mult]
                kh, kw, c, mult = w.shape
                m = nn.Conv2d(c, c * mult, (kh, kw), node['stride'], 0, node.get('dilation', 1), groups=c,
                              bias=node.get('bias', False))
                m.weight = nn.Parameter(w.permute(2, 3, 0, 1).reshape(c * mult, 1, kh, kw).contiguous())
            elif op == 'dense':
                w = t(f'{nid}/weight')  # tfjs [in, out]
                m = nn.Linear(w.shape[0], w.shape[1], bias=node.get('bias', False))
                m.weight = nn.Parameter(w.t().contiguous())
            elif op == 'batchnorm':
                affine = node.get('affine', True) is not False
                if affine:
                    c = params[f'{nid}/gamma']['shape'][0]
                else:
                    c = params[f'{nid}/runningMean']['shape'][0]
                m = nn.BatchNorm2d(c, eps=node.get('eps', 1e-5), momentum=node.get('momentum', 0.1), affine=affine)
                if affine:
                    m.weight = nn.Parameter(t(f'{nid}/gamma'))
                    m.bias = nn.Parameter(t(f'{nid}/beta'))
            else:
                continue
            if op in ('conv', 'depthwise', 'dense') and m.bias is not None:
                m.bias = nn.Parameter(t(f'{nid}/bias'))
            self.mods[key] = m.to(dtype)
        self.acts = {}

    def layer(self, nid):
        return self.mods[nid.replace('.', '_')]

    def forward(self, x, record=False):
        vals = {}
        for node in self.ir['nodes']:
            op, nid = node['op'], node['id']
            ins = [vals[i] for i in node['inputs']]
            x0 = ins[0] if ins else None
            if op == 'input':
                y = x
            elif op in ('conv', 'depthwise'):
                m = self.layer(nid)
                kh, kw = m.kernel_size
                y = m(F.pad(x0, pads_of(node['padding'], x0.shape[2], x0.shape[3], kh, kw, node['stride'],
                                        node.get('dilation', 1))))
            elif op == 'dense':
                y = self.layer(nid)(x0)
            elif op == 'batchnorm':
                y = self.layer(nid)(x0)
            elif op == 'relu':
                y = F.relu(x0)
            elif op == 'identity':
                y = x0
            elif op == 'zero':
                s = node.get('stride', 1)
                y = x0[:, :, ::s, ::s].mul(0.)
            elif op == 'add':
                y = sum(ins[1:], ins[0])
            elif op == 'concat':
                y = torch.cat(ins, 1)
            elif op == 'gap':
                y = x0.mean((2, 3))
            elif op == 'pool':
                k, s = node['window'], node['stride']
                pads = pads_of(node['padding'], x0.shape[2], x0.shape[3], k, k, s)
                if node['mode'] == 'max':
                    y = F.max_pool2d(F.pad(x0, pads, value=-math.inf), k, s)
                else:
                    # Padding excluded from the mean (count_include_pad=False / TensorFlow 'same').
                    ones = torch.ones_like(x0[:1, :1])
                    y = F.avg_pool2d(F.pad(x0, pads), k, s) / F.avg_pool2d(F.pad(ones, pads), k, s)
            else:
                raise ValueError(f'unknown op {op}')
            if record and op in ('conv', 'depthwise', 'dense'):
                # The reference's identity after each Conv2d/Linear: keep the activation and its gradient.
                y = nn.Identity()(y)
                y.retain_grad()
                self.acts[nid] = y
            vals[nid] = y
        return vals[self.ir['output']]


def to_tfjs_layout(op, t):
    if op == 'conv':
        return t.permute(2, 3, 1, 0)
    if op == 'depthwise':
        # torch [C*M, 1, kh, kw], channel c*M + m -> tfjs [kh, kw, C, M] (flattened alike as [kh, kw, C*M]).
        return t.permute(2, 3, 0, 1)
    if op == 'dense':
        return t.t()
    return t


def main():
    req = json.load(sys.stdin)
    dtype = torch.float64 if req.get('dtype', 'float64') == 'float64' else torch.float32
    torch.manual_seed(0)
    ir, params = req['ir'], req['params']
    n, h, w, c = req['xShape']
    x = torch.tensor(req['x'], dtype=dtype).reshape(n, h, w, c).permute(0, 3, 1, 2).contiguous()
    y = torch.tensor(req['labels'], dtype=torch.long)
    weighted = [nd for nd in ir['nodes'] if nd['op'] in ('conv', 'depthwise', 'dense')]

    # ---- grasp (grasp.py: bn=True, mode='param', T=1, num_iters=1, split_data=1)
    net = IRNet(ir, params, dtype)
    net.train()
    weights = [net.layer(nd['id']).weight for nd in weighted]
    net.zero_grad()
    loss = F.cross_entropy(net(x), y)
    grad_w = list(torch.autograd.grad(loss, weights, allow_unused=True))
    loss2 = F.cross_entropy(net(x), y)
    grad_f = torch.autograd.grad(loss2, weights, create_graph=True, allow_unused=True)
    z = 0
    for gw, gf in zip(grad_w, grad_f):
        if gw is not None:
            z = z + (gw.data * gf).sum()
    z.backward()
    grasp = 0.0
    hv, grad = {}, {}
    for nd, wt, gw in zip(weighted, weights, grad_w):
        hg = wt.grad if wt.grad is not None else torch.zeros_like(wt)
        grasp += float((-wt.data * hg).sum())
        hv[f"{nd['id']}/weight"] = to_tfjs_layout(nd['op'], hg).flatten().tolist()
        g = gw if gw is not None else torch.zeros_like(wt)
        grad[f"{nd['id']}/weight"] = to_tfjs_layout(nd['op'], g).flatten().tolist()

    # ---- fisher (fisher.py: bn=True, mode='channel', net.train())
    net = IRNet(ir, params, dtype)
    net.train()
    net.zero_grad()
    loss_f = F.cross_entropy(net(x, record=True), y)
    loss_f.backward()
    fisher, per_layer = 0.0, {}
    for nd in weighted:
        act = net.acts[nd['id']].detach()
        g = net.acts[nd['id']].grad
        g = torch.zeros_like(act) if g is None else g.detach()
        g_nk = torch.sum(act * g, list(range(2, act.dim()))) if act.dim() > 2 else act * g
        del_k = torch.abs(g_nk.pow(2).mean(0).mul(0.5))
        shape = net.layer(nd['id']).weight.shape[1:]
        # reshape_elements: every channel's value broadcast over the layer's weight.shape[1:], then summed.
        broadcast = torch.stack([torch.empty(shape, dtype=dtype).fill_(float(v)) for v in del_k], 0)
        per_layer[nd['id']] = float(broadcast.sum())
        fisher += per_layer[nd['id']]

    json.dump({'loss': float(loss), 'grasp': grasp, 'fisher': fisher, 'fisherPerLayer': per_layer,
               'grad': grad, 'hv': hv}, sys.stdout)


if __name__ == '__main__':
    main()
