/**
 * How many leading folders two workspace paths share (the file names themselves never count): a Django
 * file belongs to the project whose settings or root URLconf shares the most folders with it.
 */
export function sharedFolders(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let shared = 0;
  while (shared < left.length - 1 && shared < right.length - 1 && left[shared] === right[shared]) shared++;
  return shared;
}
