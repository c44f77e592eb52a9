/** The approval quorum as a tree: each branch with its progress and who has approved. */
interface Node {
  text: string;
  satisfied: boolean;
  have: number;
  need: number;
  approvedBy: string[];
  children: Node[];
}

export function QuorumTree({ node }: { node: Node }) {
  return (
    <ul className="quorum-tree" aria-label="Approvals needed">
      <QuorumNode node={node} />
    </ul>
  );
}

function QuorumNode({ node }: { node: Node }) {
  return (
    <li className={node.satisfied ? 'quorum-met' : 'quorum-open'}>
      <span aria-hidden="true">{node.satisfied ? '✓' : '○'}</span> {node.text}{' '}
      <span className="small muted">
        ({node.have} of {node.need}
        {node.approvedBy.length > 0 && node.children.length === 0 ? `: ${node.approvedBy.join(', ')}` : ''})
      </span>
      <span className="visually-hidden">{node.satisfied ? ' — met' : ' — still open'}</span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c, i) => (
            <QuorumNode key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}
