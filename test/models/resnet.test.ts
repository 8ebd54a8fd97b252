import { describe, expect, it } from 'vitest';
import { resnetIR } from '../../core/models/resnet.js';
import { getModelSource, modelIds } from '../../core/models/index.js';
import { inferShapes, networkCost } from '../../core/ir/index.js';

describe('ResNet in the MedMNIST 28x28 form', () => {
  it('resnet18, 1 input channel, 2 classes: 11,168,706 parameters (derived by hand)', () => {
    // stem: conv 3x3x1x64 = 576, BN 2*64 = 128                                   -> 704
    // layer1 (64, 2 BasicBlocks, no projection): each block 2 * 3*3*64*64 = 73,728 + 2 BN * 128 = 256
    //   -> 73,984 per block, 147,968
    // layer2 (128): block0 3*3*64*128 = 73,728 + 3*3*128*128 = 147,456 + 2 BN 512 + projection 1x1 64*128
    //   = 8,192 + BN 256 -> 230,144; block1 2 * 147,456 + 512 = 295,424                  -> 525,568
    // layer3 (256): block0 294,912 + 589,824 + 1,024 + 32,768 + 512 = 919,040; block1 2 * 589,824 + 1,024
    //   = 1,180,672                                                                        -> 2,099,712
    // layer4 (512): block0 1,179,648 + 2,359,296 + 2,048 + 131,072 + 1,024 = 3,673,088; block1
    //   2 * 2,359,296 + 2,048 = 4,720,640                                                  -> 8,393,728
    // fc 512*2 + 2 = 1,026
    // total 704 + 147,968 + 525,568 + 2,099,712 + 8,393,728 + 1,026 = 11,168,706
    // Cross-check with torchvision's published resnet18 count 11,689,512 (7x7x3x64 stem = 9,408, fc 512*1000
    // + 1000 = 513,000): 11,689,512 - 9,408 + 576 - 513,000 + 1,026 = 11,168,706.
    const ir = resnetIR('resnet18', { inputShape: [28, 28, 1], classes: 2 });
    expect(networkCost(ir).params).toBe(11_168_706);
  });

  it('resnet50, 1 input channel, 2 classes: torchvision 25,557,032 adjusted for the 3x3 stem and the head', () => {
    // torchvision resnet50 (v1.5, 3 channels, 1000 classes) has 25,557,032 parameters.
    // stem 7x7x3x64 = 9,408 -> 3x3x1x64 = 576; fc 2048*1000 + 1000 = 2,049,000 -> 2048*2 + 2 = 4,098
    // 25,557,032 - 9,408 + 576 - 2,049,000 + 4,098 = 23,503,298
    const ir = resnetIR('resnet50', { inputShape: [28, 28, 1], classes: 2 });
    expect(networkCost(ir).params).toBe(23_503_298);
  });

  it('resnet18 with 3 channels and 1000 classes has torchvision count minus the 7x7 stem difference', () => {
    // 11,689,512 - 9,408 + 3*3*3*64 (1,728) = 11,681,832
    const ir = resnetIR('resnet18', { inputShape: [28, 28, 3], classes: 1000 });
    expect(networkCost(ir).params).toBe(11_681_832);
  });

  it('feature maps 28 -> 28 -> 14 -> 7 -> 4 (PyTorch padding 1, stride 2) and a [classes] output', () => {
    const ir = resnetIR('resnet18', { inputShape: [28, 28, 1], classes: 5 });
    const shapes = inferShapes(ir);
    expect(shapes.get('stem.relu')).toEqual([28, 28, 64]);
    expect(shapes.get('layer1.block1.out')).toEqual([28, 28, 64]);
    expect(shapes.get('layer2.block0.out')).toEqual([14, 14, 128]);
    expect(shapes.get('layer3.block0.out')).toEqual([7, 7, 256]);
    expect(shapes.get('layer4.block1.out')).toEqual([4, 4, 512]);
    expect(shapes.get('fc')).toEqual([5]);
    const r50 = inferShapes(resnetIR('resnet50', { inputShape: [28, 28, 3], classes: 9 }));
    expect(r50.get('layer1.block0.out')).toEqual([28, 28, 256]);
    expect(r50.get('layer4.block2.out')).toEqual([4, 4, 2048]);
    // no max-pool anywhere
    expect(ir.nodes.some((n) => n.op === 'pool')).toBe(false);
  });

  it('registry resolves ids and rejects unknown ones in one line', () => {
    expect(modelIds()).toEqual(['resnet18', 'resnet50']);
    expect(getModelSource('resnet50').build({ inputShape: [28, 28, 1], classes: 2 }).meta?.model).toBe('resnet50');
    expect(() => getModelSource('vgg16')).toThrow('unknown model "vgg16" (known: resnet18, resnet50)');
  });
});
