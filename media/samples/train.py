#!/usr/bin/env python3
# A stand-in for a training script, with no dependencies: submit it with "Slurm: Submit to Slurm" and the
# Python template wraps it in a batch script (module/conda/venv from the cluster profile's "python").
#SBATCH --job-name=train
#SBATCH --time=00:05:00
#SBATCH --cpus-per-task=1
import math
import os
import socket
import time

print(f"training on {socket.gethostname()}, job {os.environ.get('SLURM_JOB_ID', '?')}", flush=True)
loss = 2.5
for epoch in range(1, 21):
    loss = loss * 0.85 + 0.05 * math.sin(epoch)
    print(f"epoch {epoch:2d}/20  loss {loss:.4f}", flush=True)
    time.sleep(1.5)
print("finished: model saved nowhere (this is a sample)", flush=True)
