#!/usr/bin/python3
"""PyTorch side of `npm run bench -- parity` (bench/parity.ts): a child process that answers one JSON request
per stdin line with one JSON line of timings (ms), so that mstf and PyTorch alternate candidate by candidate
under the same machine load. One thread (torch.set_num_threads(1); the parent also sets OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS to 1). The network and the proxies are the shared reference's (MSTF_TORCH_REF, default
../shared/bench/mstf_torch_ref.py), called exactly as ../shared/bench/side_by_side.py calls them.
Requests: {"op": "proxies", "genotype": [...], "c0": 16, "batch": 64, "seed": 0}
          {"op": "train", "genotype": [...], "c0": 16, "batch": 64, "steps": 4}
First line written: {"ready": true, "torch": version, "blas": ...} or {"ready": false, "why": ...}."""
import json, os, sys, time

def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

ref = os.environ.get('MSTF_TORCH_REF') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'bench', 'mstf_torch_ref.py')
try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    sys.path.insert(0, os.path.dirname(os.path.abspath(ref)))
    import mstf_torch_ref as R
except Exception as e:  # noqa: BLE001 - reported to the parent as one line
    reply({'ready': False, 'why': f'{type(e).__name__}: {e}'.splitlines()[0]})
    sys.exit(0)

cfg = torch.__config__.show()
blas = next((part.split('=')[1] for part in cfg.replace(',', ' ').split() if part.startswith('BLAS_INFO=')), 'unknown')
reply({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas, 'ref': os.path.abspath(ref)})

now = time.perf_counter
cpu_now = time.process_time
for line in sys.stdin:
    req = json.loads(line)
    g, c0, batch = req['genotype'], req['c0'], req['batch']
    torch.manual_seed(req.get('seed', 0))
    if req['op'] == 'proxies':
        cpu = {}
        t, c = now(), cpu_now(); net = R.MSTFNet(g, C0=c0); build = (now() - t) * 1e3; cpu['init'] = (cpu_now() - c) * 1e3
        x = torch.randn(batch, 1, 28, 28)
        t, c = now(), cpu_now(); jc = R.jacob_cov(net, x)[0]; tj = (now() - t) * 1e3; cpu['jacob_cov'] = (cpu_now() - c) * 1e3
        t, c = now(), cpu_now(); sf = R.synflow(net)[0]; ts = (now() - t) * 1e3; cpu['synflow'] = (cpu_now() - c) * 1e3
        # jacob_cov's forward alone (train mode, no_grad, no hooks): what its jacob_cov would cost if the Gram
        # products were free, e.g. with a fast BLAS instead of the reference BLAS Debian's torch may link.
        net.train()
        t, c = now(), cpu_now()
        with torch.no_grad():
            net(x)
        fwd = (now() - t) * 1e3; cpu['forward'] = (cpu_now() - c) * 1e3
        reply({'init': build, 'jacob_cov': tj, 'synflow': ts, 'forward': fwd, 'cpu': cpu,
               'scores': {'jacob_cov': jc, 'synflow': sf}})
    elif req['op'] == 'train':
        net = R.MSTFNet(g, C0=c0)
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x = torch.randn(batch, 1, 28, 28)
        y = torch.randint(0, 2, (batch,))
        times = []
        for _ in range(req.get('steps', 4)):
            t = now()
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            opt.step()
            times.append((now() - t) * 1e3)
        reply({'steps': times})
    else:
        reply({'error': f"unknown op {req['op']}"})
