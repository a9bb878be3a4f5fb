import type { PhpCommandProvider } from '../plugin.js';

/**
 * Laravel's `Process` facade (`Illuminate\Support\Facades\Process`, `Illuminate\Process\…`): `Process::run($command)`,
 * `Process::path($dir)->start($command)`; a string runs through the shell, an array does not.
 */
export const laravelProcess: PhpCommandProvider = {
  imports: /Illuminate\\Support\\Facades\\Process|Illuminate\\Process\\/,
  facade: 'Process',
  runs: ['run', 'start', 'command', 'forever'],
};
