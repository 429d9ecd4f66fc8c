using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace PercepNet.Tests.Architecture;

/// <summary>
/// Which of an assembly's own namespaces refer to which, read from its metadata: every type a type names in its base
/// type, interfaces, fields, method signatures, locals and method bodies (calls, field accesses, type tokens,
/// generic instantiations). Nested and compiler-generated types count as their outermost declaring type.
/// </summary>
internal sealed class TypeReferences
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _reader;
    private readonly PEReader _pe;

    private TypeReferences(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
    }

    /// <summary>(from namespace, to namespace) → one example "FromType → ToType", for every edge between two different namespaces.</summary>
    public static Dictionary<(string From, string To), string> NamespaceEdges(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var references = new TypeReferences(pe);
        var edges = new Dictionary<(string, string), string>();
        foreach (TypeDefinitionHandle type in references._reader.TypeDefinitions)
        {
            (string fromNamespace, string fromName) = references.Outermost(type);
            foreach (TypeDefinitionHandle used in references.Used(type))
            {
                (string toNamespace, string toName) = references.Outermost(used);
                if (fromNamespace.Length > 0 && toNamespace.Length > 0 && fromNamespace != toNamespace)
                {
                    edges.TryAdd((fromNamespace, toNamespace), $"{fromName} → {toName}");
                }
            }
        }

        return edges;
    }

    private (string Namespace, string Name) Outermost(TypeDefinitionHandle handle)
    {
        TypeDefinition type = _reader.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            type = _reader.GetTypeDefinition(outer);
        }

        return (_reader.GetString(type.Namespace), _reader.GetString(type.Name));
    }

    private HashSet<TypeDefinitionHandle> Used(TypeDefinitionHandle handle)
    {
        var found = new Collector(_reader);
        TypeDefinition type = _reader.GetTypeDefinition(handle);
        found.AddType(type.BaseType);
        foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
        {
            found.AddType(_reader.GetInterfaceImplementation(i).Interface);
        }

        foreach (FieldDefinitionHandle f in type.GetFields())
        {
            _ = _reader.GetFieldDefinition(f).DecodeSignature(found, null);
        }

        foreach (MethodDefinitionHandle m in type.GetMethods())
        {
            MethodDefinition method = _reader.GetMethodDefinition(m);
            _ = method.DecodeSignature(found, null);
            if (method.RelativeVirtualAddress != 0)
            {
                MethodBodyBlock body = _pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    _ = _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(found, null);
                }

                ScanBody(body.GetILReader(), found);
            }
        }

        return found.Types;
    }

    private static void ScanBody(BlobReader il, Collector found)
    {
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (Operands[value])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    found.AddToken(il.ReadInt32());
                    break;
                default: // InlineI, InlineBrTarget, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>Decodes signatures and tokens, keeping the assembly's own type definitions they name.</summary>
    private sealed class Collector(MetadataReader reader) : ISignatureTypeProvider<int, object?>
    {
        public HashSet<TypeDefinitionHandle> Types { get; } = [];

        public void AddType(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return; // the base type of an interface or of <Module>
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Types.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    _ = reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
            }
        }

        public void AddToken(int token)
        {
            EntityHandle handle = MetadataTokens.EntityHandle(token);
            switch (handle.Kind)
            {
                case HandleKind.FieldDefinition:
                    Types.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MethodDefinition:
                    Types.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddType(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        _ = member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        _ = member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddToken(MetadataTokens.GetToken(specification.Method));
                    _ = specification.DecodeSignature(this, null);
                    break;
                default:
                    AddType(handle);
                    break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Types.Add(handle);
            return 0;
        }

        public int GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => 0;

        public int GetTypeFromSpecification(MetadataReader metadata, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            AddType(handle);
            return 0;
        }

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetSZArrayType(int elementType) => 0;
    }
}
