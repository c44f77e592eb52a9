/** A policy's quorum (the JSON tree) drawn as an indented list with the directory's names. */
import { describeNode, type PolicyDirectory, type QuorumNode } from './policy-model';

export function QuorumOutline({ name, node, directory }: { name: string; node: QuorumNode; directory: PolicyDirectory }) {
  return (
    <ul className="quorum-tree quorum-outline" aria-label={`Quorum ${name}`}>
      <OutlineNode node={node} directory={directory} />
    </ul>
  );
}

function OutlineNode({ node, directory }: { node: QuorumNode; directory: PolicyDirectory }) {
  const children = node.kind === 'and' || node.kind === 'threshold' ? node.children : [];
  return (
    <li>
      <span aria-hidden="true">{children.length ? '▾' : '•'}</span> {describeNode(node, directory)}
      {children.length > 0 && (
        <ul>
          {children.map((c, i) => (
            <OutlineNode key={i} node={c} directory={directory} />
          ))}
        </ul>
      )}
    </li>
  );
}
