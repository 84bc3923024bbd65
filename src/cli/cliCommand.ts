// The shape of one `hearth` command: its names, its help text, and what it does with its arguments.
export interface CliCommand {
  readonly name: string;
  readonly aliases: readonly string[];
  /**
   * The full help (`hearth help NAME`, `hearth NAME --help`), localised: the text with the id
   * `cli.help.NAME` in l10n/hearth.l10n.json and its translations.
   */
  help(): string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
