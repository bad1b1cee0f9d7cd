using System.Text;
using Mofa.Sync.Consumers.Parsing;
using Mofa.Sync.Consumers.Questions;
using Mofa.Sync.Tests.Integration.Infrastructure;
using RabbitMQ.Client;
using Xunit;
using static Mofa.Sync.Contracts.BridgeRoutingKeys;
using Mofa.Sync.Consumers.Edge;
using Mofa.Sync.Consumers.Subscriptions;
using Mofa.Sync.Consumers;

namespace Mofa.Sync.Tests.Transport;

/// <summary>
/// The default body limit holds every message the contract allows (issue #23, L3: a quiz of
/// 10,000 questions with 255-character names, valid by the contract then, was 10.5 MB, over the
/// 4 MiB default). The largest is a quiz at the question maximum whose names are 255 characters
/// outside the BMP, each written as a \uXXXX\uXXXX escape pair, the longest JSON spelling of a
/// character without whitespace.
/// </summary>
public sealed class ContractSizeTests
{
    private static readonly MessageLimits Defaults = new(MessageLimits.DefaultMaxBodyBytes, MessageLimits.DefaultMaxHeaderBytes);

    /// <summary>U+1F600, escaped as JSON may write it: 12 bytes for one character.</summary>
    private const string EscapedAstral = "\\uD83D\\uDE00";

    private static string LargestQuiz(int questions, string character)
    {
        var name = string.Concat(Enumerable.Repeat(character, 255));
        var eventId = string.Concat(Enumerable.Repeat(character, 128));
        var body = new StringBuilder(questions * 3_200);
        body.Append(CultureInfo($$"""{"schemaVersion":1,"eventId":"{{eventId}}","site":"https://moodle.example.edu","eventName":"\\mod_quiz\\event\\quiz_questions_changed","timeCreated":1788000000,"sequence":9007199254740991,"actorId":9223372036854775807,"courseId":9223372036854775807,"quizId":9223372036854775807,"quizCmId":9223372036854775807,"questions":["""));
        for (var i = 0; i < questions; i++)
        {
            if (i > 0) body.Append(',');
            body.Append(CultureInfo($$"""{"questionId":{{long.MaxValue - i}},"name":"{{name}}"}"""));
        }

        return body.Append("]}").ToString();
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    [Fact]
    public void The_largest_quiz_the_contract_allows_fits_the_default_body_limit_and_one_question_more_is_invalid()
    {
        var largest = Encoding.UTF8.GetBytes(LargestQuiz(QuizQuestionsChangedValidator.MaxQuestions, EscapedAstral));
        Assert.True(largest.Length <= MessageLimits.DefaultMaxBodyBytes,
            $"the largest contract-valid quiz is {largest.Length:N0} bytes, over the default limit of {MessageLimits.DefaultMaxBodyBytes:N0}");
        Assert.Null(Defaults.Check(largest.Length, null, "application/json", null));
        var parsed = BridgeAgents.Parser.Parse(QuizQuestionsChanged, largest);
        Assert.NotNull(parsed.Event);

        var over = Encoding.UTF8.GetBytes(LargestQuiz(QuizQuestionsChangedValidator.MaxQuestions + 1, "q"));
        var invalid = Assert.Throws<InvalidBridgeMessageException>(() => BridgeAgents.Parser.Parse(QuizQuestionsChanged, over));
        Assert.Contains($"questions must hold at most {QuizQuestionsChangedValidator.MaxQuestions} questions", invalid.Message, StringComparison.Ordinal);
    }

    /// <summary>Through the real broker and service with the default settings: the largest quiz is applied whole.</summary>
    [Fact]
    public async Task The_service_with_its_default_limits_applies_the_largest_quiz_the_contract_allows()
    {
        await using var env = new TestEnvironment();
        await using var service = await TestService.StartAsync(env);
        Assert.Equal(MessageLimits.DefaultMaxBodyBytes, service.Settings.RabbitMq.MaxBodyBytes);
        var body = Encoding.UTF8.GetBytes(LargestQuiz(QuizQuestionsChangedValidator.MaxQuestions, EscapedAstral));
        await using (var connection = await TestBroker.ConnectAsync(env.Rabbit))
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.BasicPublishAsync(env.Rabbit.Exchange, QuizQuestionsChanged, true,
                new BasicProperties { ContentType = "application/json", MessageId = "largest-quiz", Persistent = true }, body);
        }

        await env.WaitForHandledAsync(1, service);
        Assert.Empty(await env.ErrorQueueAsync(SyncAgent.Question));
        var questions = (await env.ExportAsync()).QuizQuestions;
        Assert.Equal(QuizQuestionsChangedValidator.MaxQuestions, questions.Count);
        Assert.All(questions, q => Assert.Equal(string.Concat(Enumerable.Repeat("\U0001F600", 255)), q.Name));
    }
}
