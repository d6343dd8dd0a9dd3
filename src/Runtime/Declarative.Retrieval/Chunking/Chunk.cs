namespace Declarative.Retrieval;

/// <summary>A piece of a document small enough to embed and to put in a prompt.</summary>
/// <param name="Id">A stable identifier: <c>{documentId}:{index}</c>; the same text and options give the same ids.</param>
/// <param name="DocumentId">The document it was cut from.</param>
/// <param name="Index">Its position among the document's chunks, from 0.</param>
/// <param name="Offset">The offset of its first character in the document's text.</param>
/// <param name="Text">The text: <c>document.Text.Substring(Offset, Text.Length)</c>.</param>
/// <param name="Metadata">The document's metadata.</param>
public sealed record Chunk(string Id, string DocumentId, int Index, int Offset, string Text, DocumentMetadata Metadata);
