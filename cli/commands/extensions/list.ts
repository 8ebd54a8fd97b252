import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { EXTENSION_KINDS, type ExtensionKind } from '../../../core/contracts/extension.js';
import { renderTable } from '../../table.js';
import { z } from 'zod';

export default class ExtensionsList extends MstfCommand<typeof ExtensionsList> {
  static override description = 'List every registered extension with its plugin and version';
  static override examples = [
    '<%= config.bin %> extensions list',
    '<%= config.bin %> extensions list --kind indicator --json',
  ];
  static override flags = {
    kind: Flags.string({ description: 'only this kind', options: [...EXTENSION_KINDS] }),
    json: Flags.boolean({
      description: 'JSON array of {kind, id, plugin, version, description, options}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const kinds = (this.flags.kind ? [this.flags.kind] : EXTENSION_KINDS) as ExtensionKind[];
    const rows = kinds.flatMap((kind) =>
      kernel
        .registry(kind)
        .list()
        .map((e) => ({
          kind,
          id: e.extension.id,
          plugin: e.plugin,
          version: e.version,
          description: e.extension.description,
          options: e.extension.optionsSchema
            ? z.toJSONSchema(e.extension.optionsSchema, { io: 'input', unrepresentable: 'any' })
            : null,
        })),
    );
    if (this.flags.json) {
      this.printJson(rows);
      return;
    }
    this.log(
      renderTable(
        ['KIND', 'ID', 'PLUGIN', 'VERSION', 'DESCRIPTION'],
        rows.map((r) => [r.kind, r.id, r.plugin, r.version, r.description]),
      ),
    );
  }
}
